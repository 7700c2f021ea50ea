//go:build s3

package blob

// The S3 driver pulls in the AWS SDK: about 14 MB of binary and most of a cold build's time, so
// it is opt-in (`go build -tags s3`); the container image is built with it.
import _ "gocloud.dev/blob/s3blob" // s3://bucket?region=…

const s3Built = true
