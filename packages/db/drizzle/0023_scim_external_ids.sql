CREATE TABLE "scim_external_ids" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scim_external_ids" ADD CONSTRAINT "scim_external_ids_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scim_external_ids_external_id_idx" ON "scim_external_ids" USING btree ("external_id");