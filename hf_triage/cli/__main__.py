"""``python -m hf_triage.cli``: the ``hf-triage`` command."""

from . import main

main()
