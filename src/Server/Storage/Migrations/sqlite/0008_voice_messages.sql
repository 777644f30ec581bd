-- Voice messages: a message's recording (an audio file shared in its room) and its transcript, attached when the file's
-- speech has been transcribed. voice_state is NULL on a message that is not a voice message.
ALTER TABLE messages ADD COLUMN voice_file_id TEXT;
ALTER TABLE messages ADD COLUMN voice_duration_ms INTEGER;
ALTER TABLE messages ADD COLUMN voice_state TEXT;                         -- 'pending', 'ready' or 'unavailable'
ALTER TABLE messages ADD COLUMN voice_transcript TEXT NOT NULL DEFAULT '';
-- What a finished transcription looks for: the messages still waiting for a file's transcript.
CREATE INDEX messages_voice_pending ON messages (tenant_id, voice_file_id) WHERE voice_state = 'pending';
