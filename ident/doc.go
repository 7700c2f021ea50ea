// Package ident holds the identities totto shares across layers: the CI provider a job ran on
// and a GitHub repository's owner and name. Names from the network are parsed here once, with
// validation, so no other package splits or re-checks "owner/name" strings.
package ident
