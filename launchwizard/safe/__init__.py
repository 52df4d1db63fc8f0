"""Outside text and files made safe: for a terminal (:mod:`.terminal`), for markdown
(:mod:`.markdown`), and files read only when regular and small (:mod:`.files`).

It sits at the bottom of the house, so every layer that shows text or reads a file uses the
same rules.
"""
