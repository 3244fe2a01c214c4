"""The leak guard: canary records, a crawl of every route, and a detector that decodes what comes back."""
