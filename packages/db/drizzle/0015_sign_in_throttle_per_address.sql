ALTER TABLE "sign_in_throttle" DROP CONSTRAINT "sign_in_throttle_pkey";--> statement-breakpoint
ALTER TABLE "sign_in_throttle" ADD COLUMN "address" text NOT NULL;--> statement-breakpoint
ALTER TABLE "sign_in_throttle" ADD COLUMN "last_failure_at" timestamp with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "sign_in_throttle" DROP COLUMN "window_started_at";--> statement-breakpoint
ALTER TABLE "sign_in_throttle" ADD CONSTRAINT "sign_in_throttle_address_email_pk" PRIMARY KEY("address","email");
