"""Adapter for the national medical-insurance gateway (INTERFACES.md section 3).

`client` has one function per transaction; `envelope` the message frame, msgid, x-tif-* headers and sign-in;
`assumed` every wire name that awaits the credit-care V1.5.7 PDF; `purchase` the 附录三 checks (3503/3504);
`recovery` the 2601-based resolver of unknown outcomes.
"""
