"""Networks' rules, pure Python: a county's learning network of its municipalities.

No rule of its own yet: a network's county is checked by `shared.inputs.parse_county`.
"""
