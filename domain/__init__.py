"""The bottom layer: errors, settings, access roles and the domain vocabulary.

Every other layer may import it; it imports none of them.
"""
