package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"

	"ipoint/pipeline/mail"
)

// sendMail sends one German mail with the configured account (mail.*): a text body,
// optionally the same as an HTML document (html, "" for none), and attachments.
func sendMail(ctx context.Context, h home, to []string, subject, body, html string, att []mail.Attachment) error {
	c := h.cfg.Mail
	cfg := mail.Config{Host: c.Host, Port: c.Port, Username: c.Username, Password: c.Password, From: c.From, Now: h.e.now}
	if c.CAFile != "" {
		pem, err := os.ReadFile(h.path(c.CAFile))
		if err != nil {
			return fmt.Errorf("mail.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("mail.ca_file %s: kein Zertifikat im PEM-Format", c.CAFile)
		}
		cfg.RootCAs = pool
	}
	if err := mail.Send(ctx, cfg, mail.Message{To: to, Subject: subject, Body: body, HTML: html, Attachments: att}); err != nil {
		if ctx.Err() != nil {
			return err
		}
		return mailError(c.Host, c.Port, err)
	}
	return nil
}
