ALTER TABLE "user_search" ADD COLUMN "last_name" text NOT NULL;--> statement-breakpoint
ALTER TABLE "user_search" ADD COLUMN "first_name" text NOT NULL;--> statement-breakpoint
ALTER TABLE "user_search" ADD COLUMN "email" text NOT NULL;--> statement-breakpoint
ALTER TABLE "user_search" ADD COLUMN "status" "user_status" NOT NULL;--> statement-breakpoint
ALTER TABLE "user_search" ADD COLUMN "role_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "user_search" ADD COLUMN "last_login_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "users_status_last_login_idx" ON "users" USING btree ("status",coalesce("last_login_at", '-infinity'::timestamptz),"id");