package main

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
)

// A do-nothing database driver. It is just enough for database/sql to open
// a DB handle, hand out a connection and ping it, without any real server.

var errNotSupported = errors.New("fakedb: not supported")

type fakeConnector struct{}

func (fakeConnector) Connect(context.Context) (driver.Conn, error) { return &fakeConn{}, nil }
func (fakeConnector) Driver() driver.Driver                        { return fakeDriver{} }

type fakeDriver struct{}

func (fakeDriver) Open(string) (driver.Conn, error) { return &fakeConn{}, nil }

type fakeConn struct {
	pings int
}

func (c *fakeConn) Prepare(query string) (driver.Stmt, error) { return &fakeStmt{query: query}, nil }
func (c *fakeConn) Close() error                              { return nil }
func (c *fakeConn) Begin() (driver.Tx, error)                 { return nil, errNotSupported }

// Ping implements driver.Pinger.
func (c *fakeConn) Ping(context.Context) error {
	c.pings++
	return nil
}

type fakeStmt struct{ query string }

func (s *fakeStmt) Close() error  { return nil }
func (s *fakeStmt) NumInput() int { return -1 }
func (s *fakeStmt) Exec([]driver.Value) (driver.Result, error) {
	return driver.RowsAffected(0), nil
}
func (s *fakeStmt) Query([]driver.Value) (driver.Rows, error) { return fakeRows{}, nil }

type fakeRows struct{}

func (fakeRows) Columns() []string              { return nil }
func (fakeRows) Close() error                   { return nil }
func (fakeRows) Next(dest []driver.Value) error { return io.EOF }
