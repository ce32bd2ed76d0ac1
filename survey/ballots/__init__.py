"""Cards, QR links and casting: the package where ballot secrecy lives."""
