"""The voter's pages: no login, a card code carried by the form, the kind's ballot."""
