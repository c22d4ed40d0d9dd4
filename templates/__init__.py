"""Document generation: a catalogue of DOCX templates, a sandboxed engine, PDF/A conversion."""
