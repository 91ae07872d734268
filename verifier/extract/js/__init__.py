"""JavaScript and TypeScript analysis with tree-sitter; the entry point is
``verifier.extract.javascript.extract_javascript``."""
