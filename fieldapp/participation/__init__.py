"""The participation picture: who takes part, how, and how knowledge flows between kinds."""
