"""Tiny single-purpose helpers that both apps use; each module holds one piece of shared knowledge."""
