"""Helpers for the rebuild script."""
