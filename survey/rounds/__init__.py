"""Rounds, subjects, attendance and the lifecycle draft → open → closed → published."""
