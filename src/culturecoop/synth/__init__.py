"""A realistic synthetic cooperative: six Québec members' exports with known truth.

``generate_cooperative`` (the ``culturecoop synth`` command) writes each member's export in
its vendor's style, ``members.json`` and ``truth.json``; see ``synth.cooperative``.
"""

from culturecoop.synth.cooperative import SynthSummary, generate_cooperative

__all__ = ["SynthSummary", "generate_cooperative"]
