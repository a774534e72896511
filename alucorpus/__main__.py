"""``python -m alucorpus`` runs the command line."""

from .cli import main

main()
