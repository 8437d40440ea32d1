package pmml

import "bytes"

// Sniff reports whether head, the first bytes of a file, looks like a PMML
// document: after an optional byte order mark, XML declaration, comments,
// processing instructions, a document type declaration and whitespace, the
// first element is PMML (with or without a namespace prefix). A few hundred
// bytes are enough for the files PMML tools write.
func Sniff(head []byte) bool {
	b := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	for {
		b = bytes.TrimLeft(b, " \t\r\n")
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			i := bytes.Index(b, []byte("?>"))
			if i < 0 {
				return false
			}
			b = b[i+2:]
		case bytes.HasPrefix(b, []byte("<!--")):
			i := bytes.Index(b[4:], []byte("-->"))
			if i < 0 {
				return false
			}
			b = b[4+i+3:]
		case bytes.HasPrefix(b, []byte("<!")):
			i := bytes.IndexByte(b, '>')
			if i < 0 || bytes.IndexByte(b[:i], '[') >= 0 {
				// An internal DTD subset would need real parsing.
				return false
			}
			b = b[i+1:]
		case bytes.HasPrefix(b, []byte("<")):
			b = b[1:]
			end := bytes.IndexAny(b, " \t\r\n/>")
			if end < 0 {
				end = len(b)
			}
			name := b[:end]
			if i := bytes.IndexByte(name, ':'); i >= 0 {
				name = name[i+1:]
			}
			return string(name) == "PMML"
		default:
			return false
		}
	}
}
