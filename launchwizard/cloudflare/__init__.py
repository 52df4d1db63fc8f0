"""Inside the Cloudflare account: the zone's real configuration, read through the API.

`transport` is the one way out: GET requests under the configured API root, the bearer
token added there and nowhere else, bodies capped and scrubbed of the token. `api` drives
the official SDK over it and turns each answer into plain data (`model`); `expression`
reads the Rules language well enough to tell whether a rule covers a route; `grade` and
`fixes` turn the zone's settings into findings with the dashboard path, the API call and
the Terraform resource that fix them. Nothing here knows what a check is.
"""
