"""Two-way review: anyone signed in may corroborate, question, add context to or correct any record."""
