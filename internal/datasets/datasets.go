// Package datasets holds the readers of the public datasets that tests and
// benchmarks share (its subpackages: reuters, retail), so that benchmarks
// import it and no test imports bench/. It is not part of the product.
package datasets

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"os"
)

// CSV is a gzip-compressed CSV file open for reading, its header read.
type CSV struct {
	*csv.Reader
	Column map[string]int // header name -> field index
	file   *os.File
	gz     *gzip.Reader
}

// OpenCSV opens the gzip-compressed CSV file at path and reads its header.
func OpenCSV(path string) (*CSV, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	c := &CSV{Reader: csv.NewReader(gz), Column: map[string]int{}, file: f, gz: gz}
	head, err := c.Read()
	if err != nil {
		c.Close()
		return nil, err
	}
	for i, h := range head {
		c.Column[h] = i
	}
	return c, nil
}

// Close closes the file.
func (c *CSV) Close() error { return errors.Join(c.gz.Close(), c.file.Close()) }
