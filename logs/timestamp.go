package logs

// TimestampLen returns the length of a leading RFC 3339 UTC timestamp
// ("2024-01-02T03:04:05.1234567Z", fraction optional) without the space after it, or 0.
func TimestampLen(b []byte) int {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(b) < len(shape)+1 {
		return 0
	}
	for i := 0; i < len(shape); i++ {
		c := b[i]
		if shape[i] == 'd' {
			if c < '0' || c > '9' {
				return 0
			}
		} else if c != shape[i] {
			return 0
		}
	}
	i := len(shape)
	if b[i] == '.' {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && b[i] == 'Z' {
		return i + 1
	}
	return 0
}

// StripTimestamp removes a leading RFC 3339 UTC timestamp and one space after it.
func StripTimestamp(text []byte) []byte {
	n := TimestampLen(text)
	if n == 0 {
		return text
	}
	text = text[n:]
	if len(text) > 0 && text[0] == ' ' {
		text = text[1:]
	}
	return text
}
