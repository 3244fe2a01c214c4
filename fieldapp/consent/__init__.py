"""Consent to the park's terms: versioned terms, each person's consent, and consent given through a facilitator."""
