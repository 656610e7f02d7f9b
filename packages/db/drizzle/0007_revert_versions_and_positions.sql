ALTER TABLE "bulk_operation_batches" ADD COLUMN "source_positions" integer[];--> statement-breakpoint
ALTER TABLE "bulk_operation_items" ADD COLUMN "version" integer;