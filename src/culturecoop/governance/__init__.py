"""Governance: who may see what (accounts, sessions, tokens) and what was done with the data."""
