package main

import (
	"context"
	"errors"
)

// sendMail is wired to pipeline/mail once that package lands.
func sendMail(ctx context.Context, h home, to []string, subject, body string, att []byte) error {
	return errors.New("mail: not yet wired")
}
