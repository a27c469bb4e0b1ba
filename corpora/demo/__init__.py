"""The embedded demo pair (two short fictional editions), shipped with the package as
``guidance_parser.demo`` so that ``guidance demo`` runs after a plain ``pip install .``."""
