"""Noise control: which alerts and deliveries reach people. Realert limits and silences hold an
alert's notifications (the alert itself always goes on the queue); quiet hours delay a notifier's."""
