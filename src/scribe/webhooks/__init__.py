"""Signed, retried callbacks (Nabla ``callback_url``), every try recorded."""
