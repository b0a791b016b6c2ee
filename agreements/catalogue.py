"""The exploration list Instep ships: neutral ideas in plain words, grouped.

Each entry is (key, group, text, directional). A directional idea can be
answered for "I do it", "it is done to me" and "together"; the others only
for "together". Keys are stable: answers refer to the database rows the data
migration makes from this list, and later lists only add keys.
"""

GROUPS: dict[str, str] = {
    "address": "Address and protocol",
    "structure": "Daily structure",
    "service": "Household and service",
    "appearance": "Appearance and wardrobe",
    "care": "Health and self-care",
    "talk": "Communication and check-ins",
    "rewards": "Rewards and recognition",
    "connection": "Connection and affection",
}

CATALOGUE: list[tuple[str, str, str, bool]] = [
    # Address and protocol
    ("titles-home", "address", "Using titles at home", True),
    ("titles-messages", "address", "Using titles in messages", True),
    ("greeting", "address", "A set greeting when coming home", True),
    ("goodnight", "address", "A goodnight ritual with set words", False),
    ("asking-permission", "address", "Asking permission before small choices", True),
    ("posture", "address", "A particular way of sitting or standing", True),
    ("waiting", "address", "Waiting to be invited to sit or start eating", True),
    ("thanks", "address", "Saying thank you for each task given", True),
    ("discreet-signs", "address", "Discreet signals in public only we know", False),
    ("protocol-days", "address", "Stricter protocol on chosen days only", False),
    # Daily structure
    ("bedtime", "structure", "A set bedtime", True),
    ("wake-time", "structure", "A set time to get up", True),
    ("morning-routine", "structure", "A morning routine to follow", True),
    ("day-plan", "structure", "Planning the day together each morning", False),
    ("screen-time", "structure", "Limits on screen time", True),
    ("phone-free", "structure", "Phone-free hours", False),
    ("to-do-lists", "structure", "Daily to-do lists set by the partner", True),
    ("weekly-review", "structure", "A weekly review of how it went", False),
    ("reporting", "structure", "Reporting when a task is done", True),
    ("schedule-approval", "structure", "Having plans approved in advance", True),
    # Household and service
    ("tea", "service", "Preparing drinks without being asked", True),
    ("meals", "service", "Cooking set meals", True),
    ("tidy", "service", "Keeping a room tidy to an agreed standard", True),
    ("laundry", "service", "Doing the laundry a particular way", True),
    ("errands", "service", "Running errands on request", True),
    ("bath-prep", "service", "Preparing a bath", True),
    ("shoes", "service", "Taking care of the other's shoes and clothes", True),
    ("serving", "service", "Serving at the table", True),
    ("budget", "service", "Keeping the household budget", True),
    ("chores-rota", "service", "A chores rota set by one partner", True),
    # Appearance and wardrobe
    ("outfit-choice", "appearance", "Choosing the other's outfit for the day", True),
    ("dress-code", "appearance", "A dress code at home", True),
    ("hair", "appearance", "Having a say in hairstyle", True),
    ("jewellery", "appearance", "Wearing a chosen piece of jewellery", True),
    ("symbol", "appearance", "A symbol of the relationship worn daily", True),
    ("nails", "appearance", "Keeping nails a particular way", True),
    ("shopping", "appearance", "Shopping for clothes together", False),
    ("colours", "appearance", "Wearing a chosen colour", True),
    ("photos", "appearance", "Sending a photo of the day's outfit", True),
    ("grooming", "appearance", "A grooming routine", True),
    # Health and self-care
    ("water", "care", "Drinking an agreed amount of water", True),
    ("exercise", "care", "Regular exercise", True),
    ("walks", "care", "Daily walks", False),
    ("stretching", "care", "Stretching every morning", True),
    ("vitamins", "care", "Taking vitamins or medicine on time", True),
    ("meal-times", "care", "Regular meal times", True),
    ("journal", "care", "Writing a journal", True),
    ("meditation", "care", "Meditation or breathing exercises", True),
    ("doctor", "care", "Keeping medical appointments", True),
    ("rest-days", "care", "Planned rest days", False),
    # Communication and check-ins
    ("daily-check-in", "talk", "A daily check-in about mood", False),
    ("good-morning-message", "talk", "A good-morning message", True),
    ("location", "talk", "Letting the other know where I am", True),
    ("asking-why", "talk", "Asking why a decision was made", True),
    ("feedback", "talk", "Giving feedback on how the leading feels", True),
    ("letters", "talk", "Writing letters to each other", False),
    ("monthly-talk", "talk", "A monthly talk about the relationship", False),
    ("apologies", "talk", "A set way to apologise", True),
    ("gratitude", "talk", "Naming three things I am grateful for", True),
    ("questions", "talk", "Answering a question of the day", True),
    # Rewards and recognition
    ("praise", "rewards", "Praise in words", True),
    ("notes", "rewards", "Little notes left to find", True),
    ("treats", "rewards", "A favourite treat as a reward", True),
    ("choose-evening", "rewards", "Choosing the evening's plans as a reward", True),
    ("star-chart", "rewards", "A star chart towards a bigger reward", True),
    ("time-off", "rewards", "Time off from tasks as a reward", True),
    ("lines", "rewards", "Writing lines as a correction", True),
    ("early-night", "rewards", "An early night as a correction", True),
    ("reflection", "rewards", "A written reflection as a correction", True),
    ("privilege-pause", "rewards", "Pausing a privilege for a day", True),
    # Connection and affection
    ("hand-holding", "connection", "Holding hands in public", False),
    ("cuddling", "connection", "Cuddling on the sofa", False),
    ("massage", "connection", "A massage", True),
    ("hair-brushing", "connection", "Brushing the other's hair", True),
    ("date-night", "connection", "A weekly date night", False),
    ("dancing", "connection", "Dancing together at home", False),
    ("reading-aloud", "connection", "Reading aloud", True),
    ("kneeling", "connection", "Sitting at the other's feet", True),
    ("eye-contact", "connection", "Keeping eye contact when spoken to", True),
    ("surprise", "connection", "Planning surprises", True),
]
