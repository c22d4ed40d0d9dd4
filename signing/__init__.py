"""Electronic signatures: keys (PKCS#12), XML signatures (XMLDSig, XAdES-BES), PDF signatures
(PAdES), and verification that returns a report in the ETSI EN 319 102-1 vocabulary.

Bytes and certificates in, signatures and reports out: nothing here reads the database.
"""
