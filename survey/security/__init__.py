"""Throttling of failed attempts and the hash-chained audit log."""
