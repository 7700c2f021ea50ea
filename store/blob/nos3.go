//go:build !s3

package blob

const s3Built = false
