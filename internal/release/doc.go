// Package release checks what a release ships besides the code, so it cannot drift from the code:
// the licence, the Dockerfile (fully named base images, the same build as CI, a HEALTHCHECK that
// works without a shell), and the deployment examples (deploy/compose.yml, deploy/kubernetes)
// naming only settings totto reads. It has tests only.
package release
