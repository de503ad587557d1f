"""Telling people when a stage goes red or green again: the desktop, a webhook, email."""
