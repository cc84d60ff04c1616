"""Interactions that acted once: a modal submitted twice or a button pressed twice acts the first time."""
