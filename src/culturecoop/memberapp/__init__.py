"""The member app: prepare and send packages from a browser, on the member's own machine."""
