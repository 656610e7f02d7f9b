CREATE TABLE "user_counts" (
	"role_id" uuid NOT NULL,
	"status" "user_status" NOT NULL,
	"n" integer NOT NULL
);
