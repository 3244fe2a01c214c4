"""Park staff run accounts: roles, deactivation, password resets, invitations."""
