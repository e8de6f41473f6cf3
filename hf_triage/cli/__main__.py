"""``python -m hf_triage.cli``: the same as the ``hf-triage`` command."""

from . import main

main()
