//go:build !nos3

package blob

// The S3 driver (AWS SDK) adds about 14 MB to the binary; build with -tags nos3 to leave it out
// where logs stay on local disk.
import _ "gocloud.dev/blob/s3blob" // s3://bucket?region=…
