"""The organizer's desk: the pages and commands that run a round of any kind, from its
creation to its close, asking the round's kind for what differs."""
