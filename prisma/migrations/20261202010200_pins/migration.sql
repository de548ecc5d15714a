-- CreateTable
CREATE TABLE "message_pins" (
    "conversation_id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "pinned_by" UUID NOT NULL,
    "pinned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_pins_pkey" PRIMARY KEY ("conversation_id","message_id")
);

-- AddForeignKey
ALTER TABLE "message_pins" ADD CONSTRAINT "message_pins_conversation_id_message_id_fkey" FOREIGN KEY ("conversation_id", "message_id") REFERENCES "messages"("conversation_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION;
