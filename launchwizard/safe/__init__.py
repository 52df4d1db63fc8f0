"""Outside text made safe to show: for a terminal (:mod:`.terminal`) and for markdown (:mod:`.markdown`).

It sits at the bottom of the house, so every layer that shows text uses the same rules.
"""
