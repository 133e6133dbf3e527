"""Renderers: pure functions from a cleaned document to output text."""
