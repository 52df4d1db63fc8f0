"""The terminal wizard (Textual). Only this package imports textual."""
