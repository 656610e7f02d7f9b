ALTER TYPE "public"."bulk_operation_kind" ADD VALUE 'revert';--> statement-breakpoint
CREATE TABLE "bulk_operation_batches" (
	"operation_id" uuid NOT NULL,
	"batch_no" integer NOT NULL,
	"first_position" integer NOT NULL,
	"user_ids" uuid[] NOT NULL,
	CONSTRAINT "bulk_operation_batches_operation_id_batch_no_pk" PRIMARY KEY("operation_id","batch_no")
);
--> statement-breakpoint
ALTER TABLE "bulk_operation_batches" ADD CONSTRAINT "bulk_operation_batches_operation_id_bulk_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."bulk_operations"("id") ON DELETE no action ON UPDATE no action;