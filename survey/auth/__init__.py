"""Organizer accounts: voters never log in."""
