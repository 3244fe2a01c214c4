"""Demonstration data: placeholder until the demo datasets land."""


def load_demo(session, settings) -> list[str]:
    return []
